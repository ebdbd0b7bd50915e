"""Messages to families: their templates, their calendar part and the MIME message around them.

Pure functions of a queued message's facts; no database, no Textual, no network.
"""
