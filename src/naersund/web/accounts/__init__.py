"""Users and their roles (national administrator, KKR secretary, municipality editor, reader)."""
