/** Storage in Google Cloud Storage, with the Google Cloud Storage Java client (JSON API). */
package dev.heirloom.provider.gcs;
