"""cnn_core: the library behind the app, usable on its own from a notebook.

Modules are split by concept and import nothing from Streamlit:

- ``conv``, ``sliding_window``, ``conv_block``: convolution and pooling with their shape arithmetic,
  one window at a time, and one whole block (filter, ReLU, pooling).
- ``kernels``: the hand-made filters of classic image processing.
- ``images``, ``image_quality``: reading photos safely; noise and image quality measures.
- ``datasets``, ``training_data``: Fashion-MNIST and MNIST from Keras or local IDX files, made ready to train.
- ``models``: small CNN architectures, their shape arithmetic, Keras models and code.
- ``model_metadata``, ``model_store``: visitors' trained models saved on the server, checked before use.
- ``training``, ``training_progress``, ``training_slots``, ``curves``: training in a background thread
  that a page can watch and stop, what it reports, the cap on trainings at once, curve smoothing.
- ``evaluation``: accuracy, loss, confusion matrix and per-class scores of a trained model.
- ``vgg16`` and ``explain``: the pretrained VGG16, and Grad-CAM for any CNN.
- ``checks``, ``downloads``, ``paths``, ``tensorflow_logs``: argument checks, download failures in words,
  the project's folders, TensorFlow's start-up notices kept out of the terminal.

Import the module you need (``from cnn_core import conv``); this package
imports none of them eagerly, so importing it stays instant.
"""
