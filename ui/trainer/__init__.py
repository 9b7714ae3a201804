"""The Trainer page's sections, one module each.

- ``state_keys``: every session-state key of the page, with what it holds.
- ``session``: the session's model (``Trained``) and what the server shares (data, the cap).
- ``controls``: the sidebar (data and training settings) and the architecture choice or table.
- ``architecture``: the layer table, the diagram and the Keras code of an architecture.
- ``live_training``: progress, speed and the live loss and accuracy curves.
- ``results``: test accuracy, the confusion matrix and the gallery of mistakes.
- ``learned_filters``: the first layer's kernels beside the hand-made ones they resemble.
- ``inside_image``: Grad-CAM and feature maps for one test image.
- ``own_image``: the model's answer for a person's photo.
- ``saving``: save on the server, download, load a saved model.
- ``handover``: the training found again after a page reload.
"""
