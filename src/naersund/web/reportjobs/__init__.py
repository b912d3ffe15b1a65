"""Report packs made in the background: the web orders a pack, one worker started with the
server makes it and keeps the file for the user who ordered it (see :mod:`.worker`)."""
