"""ptk handlebars."""
