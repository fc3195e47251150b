/**
 * The detector's COCO-80 classes as Rekognition-style labels: the label Name Rekognition uses for
 * the thing, its ancestors (Rekognition's Parents list every ancestor, nearest first), its
 * category (from Rekognition's label categories) and aliases. Ancestors are labels in their own
 * right: DetectLabels reports them too, as Rekognition does.
 */
export interface TaxonomyEntry {
  name: string;
  parents: string[];
  category: string;
  aliases: string[];
}

const VEHICLE = ['Vehicle', 'Transportation'];
const ANIMAL = ['Animal'];
const MAMMAL = ['Mammal', 'Animal'];
const WILD = ['Wildlife', 'Mammal', 'Animal'];
const FRUIT = ['Fruit', 'Plant', 'Produce', 'Food'];
const VEGETABLE = ['Vegetable', 'Plant', 'Produce', 'Food'];
const GEAR = ['Sports Equipment'];
const APPLIANCE = ['Appliance', 'Electrical Device', 'Device'];
const HARDWARE = ['Computer Hardware', 'Electronics', 'Hardware'];
const CUTLERY = ['Cutlery'];

const CATEGORY = {
  vehicles: 'Vehicles and Automotive',
  transport: 'Transport and Logistics',
  animals: 'Animals and Pets',
  food: 'Food and Beverage',
  kitchen: 'Kitchen and Dining',
  furniture: 'Furniture and Furnishings',
  tech: 'Technology and Computing',
  appliances: 'Home Appliances',
  sports: 'Sports',
  hobbies: 'Hobbies and Interests',
  apparel: 'Apparel and Accessories',
  home: 'Home and Indoors',
  everyday: 'Everyday Objects',
} as const;

type Row = [cocoClass: string, name: string, parents: string[], category: string, aliases?: string[]];

const ROWS: Row[] = [
  ['person', 'Person', [], 'Person Description', ['Human']],
  ['bicycle', 'Bicycle', VEHICLE, CATEGORY.vehicles, ['Bike']],
  ['car', 'Car', VEHICLE, CATEGORY.vehicles, ['Automobile']],
  ['motorcycle', 'Motorcycle', VEHICLE, CATEGORY.vehicles, ['Motorbike']],
  ['airplane', 'Airplane', ['Aircraft', ...VEHICLE], CATEGORY.vehicles, ['Aeroplane']],
  ['bus', 'Bus', VEHICLE, CATEGORY.vehicles],
  ['train', 'Train', VEHICLE, CATEGORY.vehicles],
  ['truck', 'Truck', VEHICLE, CATEGORY.vehicles, ['Lorry']],
  ['boat', 'Boat', VEHICLE, CATEGORY.vehicles],
  ['traffic light', 'Traffic Light', ['Light'], CATEGORY.transport],
  ['fire hydrant', 'Fire Hydrant', ['Hydrant'], 'Public Safety'],
  ['stop sign', 'Stop Sign', ['Road Sign', 'Sign', 'Symbol'], CATEGORY.transport],
  ['parking meter', 'Parking Meter', [], CATEGORY.transport],
  ['bench', 'Bench', ['Furniture'], CATEGORY.furniture],
  ['bird', 'Bird', ANIMAL, CATEGORY.animals],
  ['cat', 'Cat', ['Pet', ...MAMMAL], CATEGORY.animals],
  ['dog', 'Dog', ['Canine', 'Pet', ...MAMMAL], CATEGORY.animals],
  ['horse', 'Horse', MAMMAL, CATEGORY.animals],
  ['sheep', 'Sheep', ['Livestock', ...MAMMAL], CATEGORY.animals],
  ['cow', 'Cow', ['Cattle', 'Livestock', ...MAMMAL], CATEGORY.animals],
  ['elephant', 'Elephant', WILD, CATEGORY.animals],
  ['bear', 'Bear', WILD, CATEGORY.animals],
  ['zebra', 'Zebra', WILD, CATEGORY.animals],
  ['giraffe', 'Giraffe', WILD, CATEGORY.animals],
  ['backpack', 'Backpack', ['Bag', 'Accessories'], CATEGORY.apparel],
  ['umbrella', 'Umbrella', ['Accessories'], CATEGORY.apparel],
  ['handbag', 'Handbag', ['Bag', 'Accessories'], CATEGORY.apparel, ['Purse']],
  ['tie', 'Tie', ['Accessories', 'Clothing'], CATEGORY.apparel, ['Necktie']],
  ['suitcase', 'Suitcase', ['Luggage', 'Baggage'], 'Travel and Adventure'],
  ['frisbee', 'Frisbee', ['Toy'], CATEGORY.hobbies],
  ['skis', 'Ski', GEAR, CATEGORY.sports],
  ['snowboard', 'Snowboard', GEAR, CATEGORY.sports],
  ['sports ball', 'Sports Ball', ['Ball', ...GEAR], CATEGORY.sports, ['Ball']],
  ['kite', 'Kite', ['Toy'], CATEGORY.hobbies],
  ['baseball bat', 'Baseball Bat', GEAR, CATEGORY.sports],
  ['baseball glove', 'Baseball Glove', GEAR, CATEGORY.sports],
  ['skateboard', 'Skateboard', GEAR, CATEGORY.sports],
  ['surfboard', 'Surfboard', GEAR, CATEGORY.sports],
  ['tennis racket', 'Racket', GEAR, CATEGORY.sports, ['Tennis Racket']],
  ['bottle', 'Bottle', [], CATEGORY.kitchen],
  ['wine glass', 'Wine Glass', ['Glass'], CATEGORY.food, ['Goblet']],
  ['cup', 'Cup', [], CATEGORY.food, ['Mug']],
  ['fork', 'Fork', CUTLERY, CATEGORY.kitchen],
  ['knife', 'Knife', CUTLERY, CATEGORY.kitchen],
  ['spoon', 'Spoon', CUTLERY, CATEGORY.kitchen],
  ['bowl', 'Bowl', [], CATEGORY.kitchen],
  ['banana', 'Banana', FRUIT, CATEGORY.food],
  ['apple', 'Apple', FRUIT, CATEGORY.food],
  ['sandwich', 'Sandwich', ['Food'], CATEGORY.food],
  ['orange', 'Orange', ['Citrus Fruit', ...FRUIT], CATEGORY.food],
  ['broccoli', 'Broccoli', VEGETABLE, CATEGORY.food],
  ['carrot', 'Carrot', VEGETABLE, CATEGORY.food],
  ['hot dog', 'Hot Dog', ['Food'], CATEGORY.food],
  ['pizza', 'Pizza', ['Food'], CATEGORY.food],
  ['donut', 'Donut', ['Sweets', 'Food'], CATEGORY.food, ['Doughnut']],
  ['cake', 'Cake', ['Dessert', 'Food'], CATEGORY.food],
  ['chair', 'Chair', ['Furniture'], CATEGORY.furniture],
  ['couch', 'Couch', ['Furniture'], CATEGORY.furniture, ['Sofa']],
  ['potted plant', 'Potted Plant', ['Plant'], 'Plants and Flowers', ['Houseplant']],
  ['bed', 'Bed', ['Furniture'], CATEGORY.furniture],
  ['dining table', 'Dining Table', ['Table', 'Furniture'], CATEGORY.furniture],
  ['toilet', 'Toilet', ['Bathroom', 'Indoors'], CATEGORY.home],
  ['tv', 'TV', ['Screen', 'Electronics'], CATEGORY.tech, ['Television']],
  ['laptop', 'Laptop', ['Computer', 'Electronics', 'Pc'], CATEGORY.tech],
  ['mouse', 'Mouse', HARDWARE, CATEGORY.tech, ['Computer Mouse']],
  ['remote', 'Remote Control', ['Electronics'], CATEGORY.tech],
  ['keyboard', 'Computer Keyboard', HARDWARE, CATEGORY.tech],
  ['cell phone', 'Mobile Phone', ['Phone', 'Electronics'], CATEGORY.tech, ['Cell Phone']],
  ['microwave', 'Microwave', APPLIANCE, CATEGORY.appliances],
  ['oven', 'Oven', APPLIANCE, CATEGORY.appliances],
  ['toaster', 'Toaster', APPLIANCE, CATEGORY.appliances],
  ['sink', 'Sink', ['Indoors'], CATEGORY.home],
  ['refrigerator', 'Refrigerator', APPLIANCE, CATEGORY.appliances, ['Fridge']],
  ['book', 'Book', ['Publication'], 'Education'],
  ['clock', 'Clock', [], CATEGORY.everyday],
  ['vase', 'Vase', ['Pottery', 'Jar'], CATEGORY.home],
  ['scissors', 'Scissors', [], 'Tools and Machinery'],
  ['teddy bear', 'Teddy Bear', ['Toy'], CATEGORY.hobbies],
  ['hair drier', 'Blow Dryer', APPLIANCE, 'Beauty and Personal Care', ['Hair Dryer']],
  ['toothbrush', 'Toothbrush', [], 'Beauty and Personal Care'],
];

const TAXONOMY = new Map<string, TaxonomyEntry>(
  ROWS.map(([cocoClass, name, parents, category, aliases = []]) => [cocoClass, { name, parents, category, aliases }]),
);

/**
 * Labels read from text rather than seen by the object detector, as Rekognition reports them for
 * photos with writing (category "Text and Documents"): Text for any legible writing, Document for
 * a page of it.
 */
export const TEXT_LABEL: TaxonomyEntry = { name: 'Text', parents: [], category: 'Text and Documents', aliases: [] };
export const DOCUMENT_LABEL: TaxonomyEntry = { name: 'Document', parents: ['Text'], category: 'Text and Documents', aliases: [] };

/** The Rekognition-style label of a detector class; undefined for a class the table lacks. */
export function taxonomyOf(detectorClass: string): TaxonomyEntry | undefined {
  return TAXONOMY.get(detectorClass);
}

/** Animal classes, which the detector confuses with each other (see labels.ts and letterbox.ts). */
export function isAnimalClass(detectorClass: string): boolean {
  return taxonomyOf(detectorClass)?.parents.includes('Animal') ?? false;
}

export const DETECTOR_CLASSES: readonly string[] = ROWS.map(([cocoClass]) => cocoClass);
