"""Streamlit building blocks shared by the pages: the only Streamlit code besides the pages."""
