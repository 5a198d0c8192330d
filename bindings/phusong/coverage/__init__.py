"""Coverage from Python and the CLI: rasters of one site or the best-server composite."""
