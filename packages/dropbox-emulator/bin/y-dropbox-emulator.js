#!/usr/bin/env node
// The installed command: runs the compiled command line (dist/bin.js, built from src/bin.ts).
import '../dist/bin.js'
