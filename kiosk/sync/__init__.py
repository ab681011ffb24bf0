"""Sync between desks and the hub: protocol, server, client, bundles."""
