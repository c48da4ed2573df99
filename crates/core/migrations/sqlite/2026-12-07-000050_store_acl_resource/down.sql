UPDATE integrations SET resources = REPLACE(resources, 'Magento_Backend::store', 'Magento_Backend::stores')
WHERE resources LIKE '%Magento_Backend::store%';
