/** Scanning a source folder: media groups, include/exclude globs, litter, unreadable entries. */
package dev.heirloom.source;
