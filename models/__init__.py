"""Real PyTorch experiments behind the lecture: models, tasks, training and probes."""
