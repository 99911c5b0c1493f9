/** Restoring a snapshot, or part of it, into a folder, checking every byte. */
package dev.heirloom.restore;
