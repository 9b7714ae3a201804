"""cnn_core: the library behind the app, usable on its own from a notebook.

Modules are split by concept and import nothing from Streamlit:

- ``conv``: convolution (cross-correlation), pooling and their shape arithmetic.
- ``kernels``: the hand-made filters of classic image processing.
- ``images``: reading photos safely, noise, and image quality measures.
- ``datasets``: Fashion-MNIST and MNIST from Keras or local IDX files.
- ``models``: small CNN architectures, their shape arithmetic, Keras models and code.
- ``model_store``: visitors' trained models saved on the server, checked before they are loaded.
- ``paths``: the project's folders.
- ``training``: training in a background thread that a page can watch and stop.
- ``vgg16`` and ``explain``: the pretrained VGG16, and Grad-CAM for any CNN.

Import the module you need (``from cnn_core import conv``); this package
imports none of them eagerly, so importing it stays instant.
"""
