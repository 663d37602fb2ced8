"""Geography for the force comparison page: the equal-area tile layout, boundary features and
Altair map charts. Below ``components`` (no Streamlit here) and above ``queries``, so the maps
are unit-tested as plain chart specifications.
"""
