"""The worker inbox: queue, conversations, notes, status; server-rendered pages and a JSON API."""
