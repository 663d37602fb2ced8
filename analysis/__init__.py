"""Pure decisions the app makes from query results and the address: each force's position
against England and Wales and its peers (``comparison``), and the validated URL state
(``url_state``). No Streamlit, no Altair, no SQL.
"""
