/** Storage on local and mounted file systems (internal disk, USB disk, NAS mount): {@code file:} URIs. */
package dev.heirloom.provider.local;
