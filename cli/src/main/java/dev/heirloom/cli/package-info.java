/** The {@code heirloom} command-line application: YAML configuration, commands, exit codes. */
package dev.heirloom.cli;
