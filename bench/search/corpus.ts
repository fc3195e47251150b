/**
 * Synthetic image documents with realistic shapes and skew, deterministic for a seed:
 *   - owners: images per owner follow Zipf (s = 1): the largest of 1,000 owners has ~13% of them,
 *     the smallest about a dozen;
 *   - labels: 3 to 15 per image (mean ~7) from a ~300-name vocabulary drawn with Zipf frequency,
 *     so "Person" or "Outdoors" are everywhere and most names are rare;
 *   - ~20 camera models (Zipf), some images without one; takenAt over ten years for most images;
 *     GPS for about a third; random sha256; statuses mostly PROCESSED, some PROCESSING, FAILED,
 *     DELETED tombstones; a few moderated images; file names from cameras, phones, screenshots
 *     and people.
 * Every document is a valid ImageDocument, so the strict IMAGE_INDEX_MAPPING accepts it.
 */
import { deletedDocument, uploadedDocument } from '../../functions/process-image/image-document.ts';
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import type { ImageFormat } from '../../schema/generated/graphql.ts';

export const LABELS: string[] = `Person Human Outdoors Nature Sky Plant Tree Building Architecture Water
Grass Food Animal Vehicle Car Transportation City Urban Road Street Furniture Indoors Room Text
Clothing Apparel Face Smile Portrait Child Dog Pet Mammal Cat Beach Sea Ocean Coast Sand Mountain
Landscape Scenery Sunset Sunlight Cloud Flower Blossom Garden Park Lawn Table Chair Wood Window
House Housing Interior_Design Living_Room Bedroom Kitchen Restaurant Meal Dish Drink Coffee_Cup
Wine Glass Bottle Bread Pizza Cake Dessert Fruit Vegetable Salad Snow Ice Winter Rock Cliff River
Lake Forest Woodland Field Farm Countryside Horse Cow Sheep Bird Duck Seagull Pigeon Insect
Butterfly Bee Fish Boat Sailboat Ship Harbor Pier Bridge Tower Church Castle Monument Statue
Sculpture Painting Art Museum Crowd Festival Concert Stage Music Guitar Piano Microphone Sport
Football Soccer Basketball Tennis Bicycle Cycling Running Swimming Pool Hiking Camping Tent Fire
Campfire Night Light Lamp Neon Sign Poster Book Paper Document Screen Computer Laptop Phone
Electronics Keyboard Monitor Office Desk Shop Market Store Shelf Toy Doll Balloon Party Birthday
Wedding Bride Groom Dress Suit Shoe Footwear Hat Glasses Sunglasses Bag Handbag Jewelry Watch
Baby Family Couple Teen Adult Elder Hand Finger Hair Beard Tattoo Airplane Airport Train
Railway Station Bus Truck Motorcycle Scooter Taxi Traffic_Light Parking_Lot Highway Tunnel Alley
Graffiti Wall Brick Door Stairs Roof Fence Gate Path Sidewalk Desert Canyon Volcano Waterfall
Island Palm_Tree Tropical Jungle Rainforest Autumn Leaf Spring Summer Rain Storm Fog Rainbow
Moon Star Astronomy Fireworks Christmas_Tree Decoration Candle Gift Snowman Pumpkin Halloween
Costume Mask Umbrella Kite Swing Playground Slide Zoo Elephant Giraffe Lion Tiger Bear Monkey
Penguin Dolphin Whale Turtle Frog Snake Lizard Spider Shell Coral Reef Diving Surfing Skiing
Snowboarding Skateboard Climbing Yoga Gym Dance Theater Cinema Library Classroom School University
Hospital Laboratory Factory Construction Crane Tractor Tool Hammer Ladder Garage Workshop
Sketch Drawing Map Chart Screenshot Receipt Invoice Menu License_Plate Logo Label Barcode`
  .split(/\s+/)
  .filter(Boolean)
  .map((name) => name.replace(/_/g, ' '));

export const CAMERAS: [string, string][] = [
  ['Apple', 'iPhone 13'],
  ['Apple', 'iPhone 14 Pro'],
  ['Samsung', 'SM-S911B'],
  ['Google', 'Pixel 7'],
  ['Apple', 'iPhone 11'],
  ['Canon', 'EOS R5'],
  ['SONY', 'ILCE-7M3'],
  ['NIKON CORPORATION', 'NIKON D750'],
  ['FUJIFILM', 'X-T4'],
  ['Apple', 'iPhone 8'],
  ['Samsung', 'SM-G991B'],
  ['Xiaomi', 'Redmi Note 10'],
  ['Canon', 'Canon EOS 80D'],
  ['OLYMPUS CORPORATION', 'E-M10MarkII'],
  ['Panasonic', 'DC-GH5'],
  ['Google', 'Pixel 4a'],
  ['OnePlus', 'LE2123'],
  ['SONY', 'DSC-RX100M5'],
  ['HUAWEI', 'ELE-L29'],
  ['GoPro', 'HERO9 Black'],
];

export const CITIES: [number, number][] = [
  [48.8566, 2.3522], [45.764, 4.8357], [43.2965, 5.3698], [51.5074, -0.1278], [40.7128, -74.006],
  [34.0522, -118.2437], [35.6762, 139.6503], [52.52, 13.405], [41.9028, 12.4964], [40.4168, -3.7038],
  [-33.8688, 151.2093], [37.7749, -122.4194], [55.7558, 37.6173], [19.4326, -99.1332], [-22.9068, -43.1729],
  [1.3521, 103.8198], [25.2048, 55.2708], [59.3293, 18.0686], [47.3769, 8.5417], [38.7223, -9.1393],
  [50.8503, 4.3517], [52.3676, 4.9041], [45.4642, 9.19], [43.7102, 7.262], [44.8378, -0.5792],
  [48.1351, 11.582], [13.7563, 100.5018], [-34.6037, -58.3816], [64.1466, -21.9426], [30.0444, 31.2357],
];

const FORMATS: [ImageFormat, string, number][] = [
  ['JPEG', 'image/jpeg', 0.8],
  ['PNG', 'image/png', 0.08],
  ['WEBP', 'image/webp', 0.05],
  ['AVIF', 'image/avif', 0.03],
  ['GIF', 'image/gif', 0.02],
  ['TIFF', 'image/tiff', 0.02],
];

const SIZES: [number, number][] = [[4032, 3024], [3024, 4032], [6000, 4000], [4000, 3000], [1920, 1080], [1170, 2532], [2048, 1536], [1280, 960], [800, 600], [5472, 3648]];

export const START_TAKEN = Date.UTC(2015, 0, 1);
export const END_TAKEN = Date.UTC(2025, 0, 1);

/** mulberry32: small, fast, good enough for synthetic data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
export class Zipf {
  private readonly cumulative: number[];

  constructor(n: number, s = 1) {
    let total = 0;
    this.cumulative = Array.from({ length: n }, (_, rank) => (total += 1 / Math.pow(rank + 1, s)));
    this.cumulative = this.cumulative.map((value) => value / total);
  }

  draw(next: () => number): number {
    const target = next();
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] ?? 1) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

export interface Owner {
  sub: string;
  images: number;
}

/** Zipf-distributed image counts (largest remainder), at least one image each, largest first. */
export function owners(count: number, images: number, next: () => number): Owner[] {
  const weights = Array.from({ length: count }, (_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const spare = images - count;
  const exact = weights.map((weight) => (weight / total) * spare);
  const counts = exact.map((value) => 1 + Math.floor(value));
  let left = images - counts.reduce((sum, value) => sum + value, 0);
  const byRemainder = exact.map((value, index) => [value - Math.floor(value), index] as const).sort((a, b) => b[0] - a[0]);
  for (const [, index] of byRemainder) {
    if (left-- <= 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts.map((n, rank) => ({ sub: uuid(next, rank), images: n }));
}

function uuid(next: () => number, salt: number): string {
  const hex = (length: number) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex(8)}-${salt.toString(16).padStart(4, '0')}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id (time part from `time`, random part from the generator). */
function ulid(time: number, next: () => number): string {
  let id = '';
  let rest = time;
  for (let i = 0; i < 10; i += 1) {
    id = (CROCKFORD[rest % 32] ?? '0') + id;
    rest = Math.floor(rest / 32);
  }
  for (let i = 0; i < 16; i += 1) id += CROCKFORD[Math.floor(next() * 32)] ?? '0';
  return id;
}

export class ImageGenerator {
  private readonly next: () => number;
  private readonly labelRank = new Zipf(LABELS.length, 1);
  private readonly cameraRank = new Zipf(CAMERAS.length, 1);
  private counter = 0;

  constructor(seed: number) {
    this.next = random(seed);
  }

  /** One document of `owner`. */
  image(owner: string): ImageDocument {
    const next = this.next;
    const n = (this.counter += 1);
    const chance = (p: number) => next() < p;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

    const hasTaken = chance(0.85);
    const taken = START_TAKEN + Math.floor(next() * (END_TAKEN - START_TAKEN));
    const uploaded = hasTaken ? taken + Math.floor(next() * 30 * 86_400_000) : START_TAKEN + Math.floor(next() * (END_TAKEN - START_TAKEN));
    const id = ulid(uploaded, next);
    const roll = next();
    const status = roll < 0.95 ? 'PROCESSED' : roll < 0.97 ? 'PROCESSING' : roll < 0.985 ? 'FAILED' : 'DELETED';

    const [format, contentType] = this.format();
    const fileName = this.fileName(n, format, taken);
    const base = uploadedDocument(
      {
        ownerSub: owner,
        imageId: id,
        key: `uploads/${owner}/${id}/${fileName}`,
        fileName,
        contentType,
        bytes: 200_000 + Math.floor(next() * 8_000_000),
        etag: `"${hex(next, 32)}"`,
        sequencer: hex(next, 16).toUpperCase(),
        uploadedAt: new Date(uploaded).toISOString(),
      },
      status,
    );
    if (status === 'DELETED') {
      // What the pipeline leaves of a deleted image: its own tombstone.
      return deletedDocument(owner, id, base.sequencer);
    }
    if (status === 'FAILED') return { ...base, failureReason: pick(['not an image', 'image too large', 'corrupt image data']) };
    if (status === 'PROCESSING') return base;

    const [width, height] = pick(SIZES);
    const labelNames = this.labels(3 + binomial(next, 12, 0.35));
    const camera = chance(0.9) ? CAMERAS[this.cameraRank.draw(next)] : undefined;
    const location = chance(0.35) ? jitter(pick(CITIES), next) : null;
    const faceCount = chance(0.35) ? 1 + Math.floor(next() * 5) : 0;
    const moderationLabels = chance(0.01) ? [{ name: 'Suggestive', parentName: '', confidence: 80 + next() * 20 }] : [];
    return {
      ...base,
      format,
      width,
      height,
      orientation: 1,
      ...(hasTaken ? { takenAt: new Date(taken).toISOString() } : {}),
      camera: camera ? { make: camera[0], model: camera[1], iso: pick([100, 200, 400, 800, 1600]), aperture: pick([1.8, 2.8, 4, 5.6, 8]), exposureTime: pick([0.001, 0.004, 0.008, 0.0167]), focalLength: pick([24, 35, 50, 85]) } : null,
      cameraName: camera ? `${camera[0]} ${camera[1]}` : null,
      location,
      altitude: location ? Math.round(next() * 500) : null,
      labels: labelNames.map((name) => ({
        name,
        confidence: Math.round((70 + next() * 30) * 100) / 100,
        parents: chance(0.5) ? [LABELS[this.labelRank.draw(next)] ?? 'Person'] : [],
        categories: [],
        instances: [],
      })),
      labelNames,
      detectedText: chance(0.08) ? [pick(['OPEN', 'EXIT', 'Total 42.00', 'Welcome', 'SALE 50%', 'Platform 3']), pick(['Main Street', 'Thank you', 'No parking'])] : [],
      faces: faceCount
        ? {
            count: faceCount,
            details: Array.from({ length: faceCount }, () => ({
              confidence: 90 + next() * 10,
              boundingBox: { left: next() * 0.8, top: next() * 0.8, width: 0.1 + next() * 0.1, height: 0.1 + next() * 0.1 },
              emotions: [{ type: pick(['HAPPY', 'CALM', 'SURPRISED', 'SAD']), confidence: 50 + next() * 50 }],
            })),
          }
        : null,
      faceCount,
      moderationLabels,
      moderated: moderationLabels.length > 0,
      dominantColors: Array.from({ length: 3 }, () => ({ hex: `#${hex(next, 6)}`, pixelPercent: Math.round(next() * 4000) / 100 })),
      sha256: hex(next, 64),
      perceptualHash: hex(next, 16),
      duplicateOf: null,
      thumbnails: [160, 480, 1280].map((size) => ({
        size,
        width: size,
        height: size === 160 ? 160 : Math.round((size * height) / width),
        format: 'WEBP' as const,
        square: size === 160,
        key: `thumbnails/${owner}/${id}/${size}.webp`,
      })),
    };
  }

  /** A label name of the vocabulary, drawn with its Zipf frequency (for queries and filters). */
  label(): string {
    return LABELS[this.labelRank.draw(this.next)] ?? 'Person';
  }

  /** A number in [0, 1) from the generator. */
  uniform(): number {
    return this.next();
  }

  private labels(count: number): string[] {
    const names = new Set<string>();
    while (names.size < count) names.add(LABELS[this.labelRank.draw(this.next)] ?? 'Person');
    return [...names];
  }

  private format(): [ImageFormat, string] {
    let roll = this.next();
    for (const [format, contentType, share] of FORMATS) {
      if ((roll -= share) < 0) return [format, contentType];
    }
    return ['JPEG', 'image/jpeg'];
  }

  private fileName(n: number, format: ImageFormat, taken: number): string {
    const extension = format === 'JPEG' ? (this.next() < 0.5 ? 'JPG' : 'jpg') : format.toLowerCase();
    const date = new Date(taken).toISOString();
    const roll = this.next();
    if (roll < 0.45) return `IMG_${String(n % 10_000).padStart(4, '0')}.${extension}`;
    if (roll < 0.65) return `PXL_${date.slice(0, 10).replace(/-/g, '')}_${date.slice(11, 19).replace(/:/g, '')}${String(n % 1000).padStart(3, '0')}.${extension}`;
    if (roll < 0.75) return `Screenshot ${date.slice(0, 10)} at ${date.slice(11, 19).replace(/:/g, '.')}.png`;
    const words = [this.label(), this.label()].map((word) => word.toLowerCase().replace(/ /g, '-'));
    return `${words.join('-')}-${n % 100}.${extension}`;
  }
}

function hex(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += Math.floor(next() * 16).toString(16);
  return out;
}

function binomial(next: () => number, trials: number, p: number): number {
  let count = 0;
  for (let i = 0; i < trials; i += 1) if (next() < p) count += 1;
  return count;
}

function jitter([lat, lon]: [number, number], next: () => number): { lat: number; lon: number } {
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return { lat: round(lat + (next() - 0.5) * 0.4), lon: round(lon + (next() - 0.5) * 0.4) };
}
