"""The app's Streamlit side: what several pages share here, each page's sections in a folder of its own.

Shared: ``figures`` (every picture and chart), ``image_picker``, ``url_settings``, ``session_watch``,
``streamlit_adjustments``, ``text``. Per page: ``ui.playground``, ``ui.trainer``, ``ui.classifier``.
Pages import from here and from ``cnn_core``; ``cnn_core`` never imports this.
"""
