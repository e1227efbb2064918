"""The internal risk model and the random inspection plans (双随机) it drives."""
