"""Streamlit building blocks shared by the pages (figures, pickers, sections).

Pages import from here and from ``cnn_core``; ``cnn_core`` never imports this.
"""
