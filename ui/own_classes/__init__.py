"""The sections of the Your-own-classes page: the classes and their photos, training the new head on VGG16's CNN
codes, why it works, trying it on a new photo, and taking the model home."""
