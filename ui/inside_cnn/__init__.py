"""The sections of the Inside-a-CNN page: the model, the input, the forward pass and one number explained."""
