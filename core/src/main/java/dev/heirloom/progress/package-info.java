/** How far a long operation has come, for a progress display; depends on nothing else of Heirloom. */
package dev.heirloom.progress;
