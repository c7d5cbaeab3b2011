/**
 * Other names customers use for each catalogue destination (by catalogue code): Spanish and English names,
 * common misspellings the fuzzy match would not reach, and landmarks and treks that belong to the destination.
 * Countries and regions ("Perú", "la selva") are deliberately absent: they are not destinations.
 */
export const DESTINATION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  cusco: ['cusco', 'cuzco', 'kusko', 'cusko', 'kuzco', 'qosqo', 'machu picchu', 'machupicchu', 'machu pichu', 'camino inca', 'inca trail', 'salkantay', 'rainbow mountain', 'montana de colores', 'montana de 7 colores', 'montana de siete colores', 'vinicunca', 'aguas calientes', 'huayna picchu', 'wayna picchu', 'sacsayhuaman', 'hiram bingham'],
  'sacred-valley': ['valle sagrado', 'sacred valley', 'urubamba', 'ollantaytambo', 'pisac', 'pisaq', 'moray', 'chinchero'],
  lima: ['lima', 'miraflores', 'barranco', 'pachacamac'],
  arequipa: ['arequipa', 'misti', 'ciudad blanca', 'white city'],
  colca: ['colca', 'canon del colca', 'colca canyon', 'chivay', 'cruz del condor'],
  'puno-titicaca': ['puno', 'titicaca', 'titikaka', 'lago titicaca', 'lake titicaca', 'uros', 'taquile', 'amantani'],
  'nazca-paracas': ['nazca', 'nasca', 'paracas', 'ballestas', 'islas ballestas', 'huacachina', 'ica', 'lineas de nazca', 'nazca lines'],
  'iquitos-amazon': ['iquitos', 'amazon', 'amazonas', 'amazonia', 'rio amazonas', 'amazon river', 'pacaya samiria'],
  tambopata: ['tambopata', 'puerto maldonado', 'lago sandoval'],
  huaraz: ['huaraz', 'waraz', 'cordillera blanca', 'laguna 69', 'santa cruz trek', 'trek santa cruz', 'trekking santa cruz', 'huayhuash', 'huascaran', 'pastoruri'],
  mancora: ['mancora', 'punta sal'],
  uyuni: ['uyuni', 'salar de uyuni', 'uyuni salt flat', 'uyuni salt flats', 'salt flats', 'salt flat'],
  galapagos: ['galapagos', 'islas galapagos', 'galapagos islands'],
  quito: ['quito', 'mitad del mundo', 'middle of the world', 'cotopaxi', 'otavalo', 'avenue of volcanoes', 'avenida de los volcanes'],
  cartagena: ['cartagena', 'islas del rosario', 'rosario islands'],
  atacama: ['atacama', 'san pedro de atacama', 'valle de la luna'],
  iguazu: ['iguazu', 'iguacu', 'cataratas del iguazu', 'iguazu falls'],
};
