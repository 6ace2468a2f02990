"""What the lecture says, computed from a bundle without Manim: findings (judgements with
their thresholds), spoken and written numbers, model names. numpy only."""
