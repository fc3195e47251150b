/**
 * One display name per camera, used by Image.camera.name, the cameras facet and the camera filter
 * alike: the maker's everyday name once, then the model without the maker repeated. EXIF writes
 * makers as companies ("OLYMPUS IMAGING CORP.", "NIKON CORPORATION") and many models start with
 * the make again ("Canon PowerShot S50"), so "Olympus E-M1", "Canon PowerShot S50", "Nikon D70".
 */

/** Makers as people name them, by the first word of EXIF's Make (upper case). */
const MAKERS: Record<string, string> = {
  OLYMPUS: 'Olympus',
  OM: 'OM System',
  NIKON: 'Nikon',
  CANON: 'Canon',
  SONY: 'Sony',
  FUJIFILM: 'Fujifilm',
  FUJI: 'Fujifilm',
  PANASONIC: 'Panasonic',
  PENTAX: 'Pentax',
  RICOH: 'Ricoh',
  SAMSUNG: 'Samsung',
  EASTMAN: 'Kodak',
  KODAK: 'Kodak',
  CASIO: 'Casio',
  LEICA: 'Leica',
  HUAWEI: 'Huawei',
  XIAOMI: 'Xiaomi',
  MOTOROLA: 'Motorola',
  NOKIA: 'Nokia',
  HASSELBLAD: 'Hasselblad',
  SIGMA: 'Sigma',
  MINOLTA: 'Minolta',
  KONICA: 'Konica Minolta',
  'HEWLETT-PACKARD': 'HP',
  LGE: 'LG',
};

/**
 * Company words EXIF adds to a maker's name. A match starts only where a run of separators starts:
 * tried from every comma of a long run, it took quadratic time on a crafted Make.
 */
const COMPANY = /(?<![\s,])[\s,]+(imaging|optical|electronics?|camera|corp(oration)?|company|co|ltd|limited|inc|ag|gmbh|digital|computer|techwin)\.?(?=[\s,]|$)/giu;

export function makerName(make: string): string {
  const plain = make.trim().replace(/\s+/gu, ' ');
  const known = MAKERS[plain.split(/[\s,]/u)[0]?.toUpperCase() ?? ''];
  if (known) return known;
  const short = plain.replace(COMPANY, '').trim() || plain;
  // An all-caps maker reads as a name ("SIGMA" -> "Sigma"); short acronyms (HTC, DJI) stay.
  return short === short.toUpperCase() && short.length > 3 ? short.charAt(0) + short.slice(1).toLowerCase() : short;
}

/** "Olympus E-M1" from ("OLYMPUS IMAGING CORP.", "E-M1"); null when EXIF names neither. */
export function cameraDisplayName(make: string | null | undefined, model: string | null | undefined): string | null {
  const maker = make?.trim() ? makerName(make) : null;
  const rawModel = model?.trim().replace(/\s+/gu, ' ') || null;
  if (!maker) return rawModel;
  if (!rawModel) return maker;
  // The model often repeats the make, as EXIF or as everyday name: "Canon PowerShot S50", "NIKON D70".
  const prefixes = [make?.trim() ?? '', maker, make?.trim().split(/\s/u)[0] ?? ''].filter((p) => p !== '');
  const repeated = prefixes.find((prefix) => rawModel.toLowerCase().startsWith(`${prefix.toLowerCase()} `) || rawModel.toLowerCase() === prefix.toLowerCase());
  const bare = repeated ? rawModel.slice(repeated.length).trim() : rawModel;
  return bare ? `${maker} ${bare}` : maker;
}
