"""The VGG16 classifier page: its session-state keys (``state_keys``), and its sections (``sections``): the
shared model, the top 5, Grad-CAM, preprocessing, feature maps."""
