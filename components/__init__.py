"""Streamlit building blocks shared by the pages: the only Streamlit code besides the pages.

The first import in a process freezes the objects alive then (Streamlit's runtime) out of the cyclic
collector's reach, before the pages import pandas: a full collection during that import walked them all
(0.05-0.24 s of the Overview's first run at a million articles). :func:`components.page.start` does the
same once more after the pages' own imports."""

import gc

gc.freeze()
