-- Magento's Store routes check Magento_Backend::store (module-store/etc/webapi.xml); integrations
-- granted the misspelt Magento_Backend::stores keep their access under the right name.
UPDATE integrations SET resources = REPLACE(resources, 'Magento_Backend::stores', 'Magento_Backend::store')
WHERE resources LIKE '%Magento_Backend::stores%';
