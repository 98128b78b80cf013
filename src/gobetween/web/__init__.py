"""Server-rendered pages for the party portal and the mediator console."""
