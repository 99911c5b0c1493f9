/**
 * Storage on SFTP servers (OpenSSH on a NAS, a Raspberry Pi, any Linux box), with JSch. Host keys
 * are always checked against a known_hosts file.
 */
package dev.heirloom.provider.sftp;
