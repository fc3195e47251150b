/**
 * What the models report, before it is shaped as Rekognition answers: plain data that crosses the
 * worker boundary and that the response builders (labels.ts, faces.ts ...) turn into API shapes.
 * Boxes are ratios of the image's width and height, as Rekognition's BoundingBox.
 */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One object from the COCO-80 detector; score 0-1. */
export interface ObjectDetection {
  className: string;
  score: number;
  box: Box;
}

/**
 * One face: the detector's score, the face mesh model's score for the same crop (both 0-1), and
 * emotions with scores 0-1, as the emotion model names them (e.g. "happy").
 */
export interface FaceDetection {
  score: number;
  meshScore: number;
  box: Box;
  emotions: { emotion: string; score: number }[];
}

/** nsfwjs's five class probabilities (Drawing, Hentai, Neutral, Porn, Sexy), 0-1. */
export type ModerationScores = Record<string, number>;

export interface TextWord {
  text: string;
  /** 0-100, as tesseract reports it. */
  confidence: number;
  box: Box;
}

export interface TextLine extends TextWord {
  words: TextWord[];
}

export interface DominantColor {
  red: number;
  green: number;
  blue: number;
  /** Share of the image's pixels, 0-100. */
  pixelPercent: number;
}

/** Image quality and colours from sharp, for DetectLabels' IMAGE_PROPERTIES feature. */
export interface ImageProperties {
  /** 0-100. */
  brightness: number;
  sharpness: number;
  contrast: number;
  dominantColors: DominantColor[];
}
