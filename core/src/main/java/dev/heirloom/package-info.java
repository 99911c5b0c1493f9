/**
 * Heirloom's public API: configure a source, targets and a policy with {@link dev.heirloom.Heirloom#builder()},
 * then back up, plan, check compliance and restore.
 */
package dev.heirloom;
