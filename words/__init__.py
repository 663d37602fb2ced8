"""The words: plain-English summaries, change wording and the comparison narratives, as pure
functions of the same frames the charts draw, so the words cannot drift from the pictures. No
Streamlit and no Altair.
"""
