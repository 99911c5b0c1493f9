/** Storage in Azure Blob Storage (block blobs), with the Azure Storage Blob SDK. */
package dev.heirloom.provider.azure;
