/** Which snapshots to keep as years of nightly backups pile up, and forgetting the others. */
package dev.heirloom.retention;
