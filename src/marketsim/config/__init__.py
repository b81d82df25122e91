"""Configuration: every parameter once (params), scenarios from TOML (scenario), input errors."""
