"""Getting a council's extracts in: landing contracts (the source registry), readers, the gate's rules, the loader."""
