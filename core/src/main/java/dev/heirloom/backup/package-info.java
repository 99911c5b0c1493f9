/** Executing a backup: one walk of the source, each changed file read once, every target fed. */
package dev.heirloom.backup;
