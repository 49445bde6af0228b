"""Channel adapters (Telegram, web chat), the engine that runs flows, and the service wiring."""
