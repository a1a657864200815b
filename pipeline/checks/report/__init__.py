"""``handouts check``'s report: the gate's results, judged by the policy, and the
ways it is shown (terminal table, JSON, Markdown, JUnit XML)."""
