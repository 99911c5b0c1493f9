/**
 * Looking into what a target holds without restoring it: list a snapshot's files, find which
 * snapshots hold a file, compare two snapshots, read one file back (checked against its hash),
 * and count what the repository stores.
 */
package dev.heirloom.browse;
