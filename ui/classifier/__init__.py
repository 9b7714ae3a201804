"""The VGG16 classifier page's sections: the shared model, the top 5, Grad-CAM, preprocessing, feature maps."""
