"""Rules and use cases. Imports nothing from app.api, app.graphql or app.db."""
