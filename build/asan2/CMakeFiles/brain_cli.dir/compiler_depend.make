# Empty compiler generated dependencies file for brain_cli.
# This may be replaced when dependencies are built.
