"""The event database: schema, migrations, change log, repositories and search."""
