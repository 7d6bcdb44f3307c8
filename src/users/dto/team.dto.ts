import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class TeamResponseDto {
  @ApiProperty({ format: 'uuid', example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' }) id: string;
  @ApiProperty({ example: 'Field Sales' }) name: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e' })
  lead_id: string | null;
  @ApiProperty({ type: [String], format: 'uuid', example: ['0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b'] })
  member_ids: string[];
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
}

export class CreateTeamDto {
  @ApiProperty({ example: 'Field Sales', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: "The team lead; sees and may approve the team's spends",
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUUID('all')
  lead_id?: string | null;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    example: ['0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b'],
    maxItems: 500,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  member_ids?: string[];
}

export class UpdateTeamDto {
  @ApiPropertyOptional({ example: 'Field Sales EMEA', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'null removes the lead',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUUID('all')
  lead_id?: string | null;
}

export class ListTeamsQuery extends CursorPageQueryDto {}
