/**
 * JMH benchmarks of Heirloom's kernels: hashing, source scanning, folder-listing (manifest)
 * encoding. Run them with {@code benchmarks/run.sh jmh}; the whole-run comparison with rsync,
 * rclone, restic and borg is {@code benchmarks/run.sh}.
 */
package dev.heirloom.bench;
