"""The goal catalogue in the app database: loaded from and exported to the versioned YAML."""
